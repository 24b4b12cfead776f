import type { KindSpec } from './build-page.js';

/** Templates of the team pages: onboarding guides, meeting notes and release notes. */

export const ONBOARDING: KindSpec = {
  kind: 'onboarding',
  titles: ['Onboarding: {Name} for new joiners', 'Getting started with {thing}', '{Name} onboarding guide'],
  sections: [
    {
      heading: 'Welcome',
      blocks: [
        {
          p: [
            'Welcome to the {team} team! This guide gets you productive with {thing}.',
            'Most of our day-to-day work touches {thing2} in some way.',
            'Your buddy for the first month is {person}.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Your first week',
      blocks: [
        {
          list: [
            'Read the overview of {thing} and the last two decisions about it',
            'Pair with {person} on a small change to {thing}',
            'Get {tool} working on your laptop',
            'Try `{command}` against the staging environment',
            'Sit in on the weekly {team} sync',
          ],
          n: [3, 5],
          ordered: true,
        },
      ],
    },
    {
      heading: 'Access you need',
      blocks: [
        {
          list: [
            '{Tool} (request it in the access portal)',
            'Read access to {service} logs',
            'The {team} team channel',
            'Dashboards for {metric}',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Key concepts',
      blocks: [
        {
          p: [
            '{Thing} is the part that surprises new people most.',
            'Watch {metric}: it is the first thing to move when {symptom} starts.',
            'We prefer small, reversible changes to {thing2}.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'Who to ask',
      blocks: [
        {
          p: ['{Person} and {person} know {thing} best. The {team} channel is the fastest way in.'],
          n: [1, 1],
          plain: true,
        },
      ],
      chance: 0.8,
    },
  ],
};

export const MEETING_NOTES: KindSpec = {
  kind: 'meeting-notes',
  titles: ['{Name} sync {date}', 'Meeting notes: {Name} guild, {date}', '{Team} weekly – {date}: {thing}'],
  sections: [
    {
      heading: 'Attendees',
      blocks: [{ p: ['{Person}, {person}, {person} and {person}.'], n: [1, 1], plain: true }],
    },
    {
      heading: 'Agenda',
      blocks: [
        {
          list: [
            'Status of {thing}',
            'Follow-up on {symptom}',
            '{Metric} over the last two weeks',
            'Plans for {tool}',
          ],
          n: [2, 4],
        },
      ],
    },
    {
      heading: 'Notes',
      blocks: [
        {
          p: [
            '{Person} walked through the state of {thing}.',
            '{Metric} improved after the last change, but not everywhere.',
            'We agreed that {symptom} is still the biggest risk for {service}.',
            'Nobody has capacity for {thing2} this sprint.',
            'The group was split on whether to {decisionLower}.',
          ],
          n: [3, 5],
        },
      ],
    },
    {
      heading: 'Action items',
      blocks: [
        {
          list: [
            '{Person} to write up a proposal: {decision}',
            '{Person} to check {metric} for {service}',
            '{Person} to share notes on {tool} with the {team} team',
          ],
          n: [1, 3],
        },
      ],
    },
  ],
};

export const RELEASE_NOTES: KindSpec = {
  kind: 'release-notes',
  titles: [
    'Release notes {version}: {Name}',
    '{Name} release notes – {version}',
    'Release notes: {Thing} ({version})',
  ],
  sections: [
    {
      heading: 'Highlights',
      blocks: [
        {
          p: [
            'This version makes {thing} faster and easier to operate.',
            'The headline change: we {decisionLower}.',
            'Thanks to {person} and the {team} team for the work on {tool}.',
          ],
          n: [2, 3],
        },
      ],
    },
    {
      heading: 'New features',
      blocks: [
        {
          list: [
            'A new view of {metric} in {tool}',
            'Self-service settings for {thing}',
            'Support for {thing2} in {service}',
          ],
          n: [1, 3],
        },
      ],
    },
    {
      heading: 'Bug fixes',
      blocks: [
        {
          list: [
            'Fixed {symptom} under rare conditions',
            'Fixed wrong values of {metric} after a restart',
            '`{command}` no longer hangs on large inputs',
          ],
          n: [1, 3],
        },
      ],
    },
    {
      heading: 'Known issues',
      blocks: [{ list: ['{Symptom} can still happen when {service2} is under heavy load'], n: [1, 1] }],
      chance: 0.5,
    },
  ],
};
