import type { KindSpec } from './build-page.js';

/** Templates of the operational pages: runbooks, postmortems, how-tos and FAQs. */

export const RUNBOOK: KindSpec = {
  kind: 'runbook',
  titles: [
    'Runbook: {Thing}',
    'Runbook: {Symptom}',
    '{Name} runbook: {thing}',
    'Runbook – {Symptom} in {service}',
  ],
  sections: [
    {
      heading: 'Summary',
      blocks: [
        {
          p: [
            'This runbook covers {symptom} in {service}.',
            'The alert fires when {metric} stays out of its normal range for ten minutes.',
            'Most of the time the cause is {thing}, and the fix is quick.',
            'The {team} team owns {thing}; ask them before changing it.',
            'Read the whole page once before you act, because the order of the steps matters.',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Symptoms',
      blocks: [
        {
          list: [
            '{Metric} well above the usual range for {service}',
            '{Symptom}',
            'Alerts that mention {thing}',
            'Users of {service} report slow responses while {metric} climbs',
            'Error logs in {service} that mention {tool}',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Diagnosis',
      blocks: [
        {
          list: [
            'Open the {metric} panel and compare the last hour with the same hour yesterday.',
            'Run `{command}` and note anything unusual.',
            'Check whether {thing} changed in the last deploy of {service}.',
            'Look at {tool} for {service} and confirm the symptom is real.',
            'If {metric} looks normal, the alert is probably noise; say so in the channel.',
          ],
          n: [3, 5],
          ordered: true,
        },
        { code: 'commands' },
      ],
    },
    {
      heading: 'Mitigation',
      blocks: [
        {
          list: [
            'Scale {service} out by two instances while you look into {thing}.',
            'Revert the last change to {thing} if it went out in the past two hours.',
            'Run `{command}` again and confirm {metric} is going down.',
            'Use {tool} to confirm {thing} is healthy again.',
            'Tell the {team} channel what you did and when.',
          ],
          n: [3, 5],
          ordered: true,
        },
      ],
    },
    {
      heading: 'Escalation',
      blocks: [
        {
          p: [
            'If {metric} has not recovered after 30 minutes, escalate to the {team} team.',
            'Outside working hours, {person} or {person} know {thing} best.',
            'Do not restart everything at once; that destroys the clues we need.',
          ],
          n: [1, 3],
        },
      ],
      chance: 0.8,
    },
  ],
};

export const POSTMORTEM: KindSpec = {
  kind: 'postmortem',
  titles: [
    'Postmortem {date}: {symptom}',
    'Postmortem: {Symptom} in {service}',
    'Post-mortem {date} – {thing}',
  ],
  sections: [
    {
      heading: 'Summary',
      blocks: [
        {
          p: [
            'On {date} {service} was degraded for {n} minutes because of {symptom}.',
            'The trigger was a change to {thing}.',
            'Customers saw errors and slow pages while {metric} was out of range.',
            'We restored service by reverting the change and checking {tool}.',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Impact',
      blocks: [
        {
          list: [
            '{n} minutes of degraded service in {service}',
            'About {n} percent of requests to {service} failed',
            '{Metric} peaked at three times its normal value',
            'No data was lost',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Timeline (UTC)',
      blocks: [
        {
          list: [
            '{time} alert on {metric} fires for {service}',
            '{time} responder acknowledges and starts looking at {thing}',
            '{time} the team identifies {symptom} as the trigger',
            '{time} mitigation applied with {tool}',
            '{time} {metric} back to normal',
            '{time} all clear posted in the channel',
          ],
          n: [4, 6],
          inOrder: true,
        },
      ],
    },
    {
      heading: 'Root cause',
      blocks: [
        {
          p: [
            'The root cause was {symptom}.',
            '{Thing} had been changed the week before without checking its limits.',
            'Nothing in {tool} warned us, because the alert on {metric} had too high a threshold.',
            'The change passed review because the risk to {thing} was not obvious from the diff.',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Contributing factors',
      blocks: [
        {
          list: [
            'The alert on {metric} fired late',
            'The documentation for {thing} was out of date',
            'Only one person on the {team} team knew {tool} well',
          ],
          n: [1, 3],
        },
      ],
      chance: 0.7,
    },
    {
      heading: 'Action items',
      blocks: [
        {
          list: [
            'Lower the alert threshold on {metric} (owner: {person})',
            'Document {thing} properly (owner: {person})',
            'Add a check for {symptom} to the deploy checklist (owner: {person})',
            'Pair with {person} on {tool} (owner: {person})',
          ],
          n: [2, 4],
        },
      ],
    },
  ],
};

export const HOW_TO: KindSpec = {
  kind: 'how-to',
  titles: [
    'How to check {thing}',
    'How to debug {symptom}',
    'How to use {tool} with {service}',
    'How-to: {Thing}',
  ],
  sections: [
    {
      heading: 'Before you start',
      blocks: [
        {
          p: [
            'You need access to {tool} and read rights on {service}.',
            'This guide assumes you know the basics of {thing}.',
            'It takes about {n} minutes.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Steps',
      blocks: [
        {
          list: [
            'Open {tool} and select {service}.',
            'Run `{command}`.',
            'Check {metric} before and after the change.',
            'Update {thing} in the config repository and open a pull request.',
            'Ask the {team} team to review the change to {thing}.',
            'Watch {metric} for fifteen minutes after the merge.',
          ],
          n: [3, 6],
          ordered: true,
        },
        { code: 'commands' },
      ],
    },
    {
      heading: 'Troubleshooting',
      blocks: [
        {
          p: [
            'If you see {symptom}, stop and ask in the {team} channel.',
            'Permission errors from {tool} usually mean your group membership has not synced yet.',
            'When {metric} does not move at all, check that you picked the right environment.',
          ],
          n: [1, 3],
        },
      ],
      chance: 0.7,
    },
  ],
};

export const FAQ: KindSpec = {
  kind: 'faq',
  titles: ['{Name} FAQ', 'FAQ: {Thing}', 'Frequently asked questions about {thing}'],
  sections: [
    {
      heading: 'Who owns {thing}?',
      blocks: [
        {
          p: ['The {team} team owns {thing}; {person} is the main contact.', 'Use {tool} to see it.'],
          n: [1, 2],
        },
      ],
    },
    {
      heading: 'What does {metric} measure?',
      blocks: [
        {
          p: ['{Metric} tells you how {thing} is doing for {service}.', 'It is shown in {tool}.'],
          n: [1, 2],
        },
      ],
      chance: 0.7,
    },
    {
      heading: 'Why do we use {tool}?',
      blocks: [
        {
          p: ['{Tool} gives us a single view of {thing} across services.', 'We chose it in {date}.'],
          n: [1, 2],
        },
      ],
      chance: 0.7,
    },
    {
      heading: 'What should I do about {symptom}?',
      blocks: [
        {
          p: ['Follow the steps for {symptom}, then tell the {team} team.', 'Start with `{command}`.'],
          n: [1, 2],
        },
      ],
      chance: 0.7,
    },
    {
      heading: 'Can I change {thing} myself?',
      blocks: [
        {
          p: ['Yes, through a pull request reviewed by the {team} team.', 'Small changes are fine.'],
          n: [1, 2],
        },
      ],
      chance: 0.6,
    },
  ],
};
