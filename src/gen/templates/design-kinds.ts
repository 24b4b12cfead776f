import type { KindSpec } from './build-page.js';

/** Templates of the design pages: architecture decision records, RFCs and API references. */

export const ADR: KindSpec = {
  kind: 'adr',
  titles: ['ADR-{adr}: {decision}', 'ADR-{adr} {decision}', 'Architecture decision: {decision}'],
  sections: [
    {
      heading: 'Status',
      blocks: [
        {
          p: ['Accepted on {date}.', 'Proposed; decision due {date}.', 'Accepted. Supersedes ADR-{adr}.'],
          n: [1, 1],
          plain: true,
        },
      ],
    },
    {
      heading: 'Context',
      blocks: [
        {
          p: [
            'Today each team handles {thing} differently, which makes {symptom} hard to prevent.',
            '{Metric} has grown steadily for six months.',
            'The {team} team spends several hours a week on {thing2}.',
            'We looked at {n} recent problems; most involved {thing}.',
            'Any change has to keep {service} available during the switch.',
          ],
          n: [3, 5],
        },
      ],
    },
    {
      heading: 'Decision',
      blocks: [
        {
          p: [
            'We will {decisionLower}.',
            'The {team} team owns the change and will use {tool} for it.',
            'New services follow this from {date}; existing services move over within two quarters.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Consequences',
      blocks: [
        {
          list: [
            'Less time spent on {thing}',
            'One more tool to learn for new joiners: {tool}',
            '{Metric} should fall once every service has moved',
            'A short period where the old and the new approach to {thing} both exist',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Alternatives considered',
      blocks: [
        {
          list: [
            'Keep the current approach to {thing} and add more alerts on {metric}',
            'Buy a managed product instead of running {tool2} ourselves',
            'Do nothing until {symptom} happens again',
          ],
          n: [1, 3],
        },
      ],
      chance: 0.8,
    },
  ],
};

export const RFC: KindSpec = {
  kind: 'rfc',
  titles: ['RFC-{rfc}: {decision}', 'Design doc: {Thing}', 'RFC: {Thing} for {service}'],
  sections: [
    {
      heading: 'Summary',
      blocks: [
        {
          p: [
            'This RFC proposes that we {decisionLower}.',
            'It changes how {service} deals with {thing}.',
            'Comments are open until {date}.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Motivation',
      blocks: [
        {
          p: [
            '{Symptom} has happened {n} times this year.',
            'Each time, {metric} gave us the first signal, but too late to act.',
            'The current design of {thing} was fine at a tenth of today’s traffic.',
            'Teams keep asking the {team} team for help with {thing2}.',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Goals',
      blocks: [
        {
          list: [
            'Make {thing} predictable for {service}',
            'Keep {metric} within its target',
            'Let teams self-serve with {tool}',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Non-goals',
      blocks: [
        {
          list: [
            'Rewriting {service2}',
            'Changing {thing2} in the same quarter',
            'Supporting the legacy tooling',
          ],
          n: [1, 2],
        },
      ],
      chance: 0.8,
    },
    {
      heading: 'Proposal',
      blocks: [
        {
          p: [
            'We {decisionLower}, starting with {service}.',
            '{Tool} becomes the single place to manage {thing}.',
            'Each service gets a default that suits most cases, and can override it.',
            'The first phase takes about {n} days of work.',
          ],
          n: [2, 4],
        },
        { code: 'commands' },
      ],
    },
    {
      heading: 'Alternatives considered',
      blocks: [{ p: ['We could keep {thing} as it is and accept {symptom} now and then.'], n: [1, 1] }],
      chance: 0.6,
    },
    {
      heading: 'Open questions',
      blocks: [
        {
          list: [
            'Who reviews changes to {thing} after the switch?',
            'Do we need {tool2} in every environment?',
            'What is the right target for {metric}?',
          ],
          n: [1, 3],
        },
      ],
    },
  ],
};

export const API_DOCS: KindSpec = {
  kind: 'api-docs',
  titles: ['API reference: {Thing}', '{Name} admin API reference', 'API docs: {service} {thing} endpoints'],
  sections: [
    {
      heading: 'Overview',
      blocks: [
        {
          p: [
            'This API exposes {thing} to other services.',
            'Every endpoint needs a service identity issued by the platform.',
            'Responses are JSON; times are UTC in ISO 8601.',
            'Changes made through this API show up in {tool} within a minute.',
          ],
          n: [2, 4],
        },
      ],
    },
    { heading: 'Endpoints', blocks: [{ code: 'endpoints' }] },
    {
      heading: 'Request body',
      blocks: [
        { p: ['The request body names the service and the {metric} value to apply.'], n: [1, 1] },
        { code: 'json' },
      ],
    },
    {
      heading: 'Errors',
      blocks: [
        {
          list: [
            '400 when the request body is malformed',
            '404 when {service} has nothing configured for {thing}',
            '409 when another change to {thing} is in progress',
            '503 during {symptom}',
          ],
          n: [2, 4],
        },
      ],
    },
  ],
};
