import { describe, expect, it } from 'vitest';
import { normaliseLabel, normaliseLabels, normaliseTaxonomy } from '../../src/router/normalise-labels.js';

const rules = { maxTagsPerPage: 8, maxLength: 50 };

describe('normaliseLabel', () => {
  it('lowercases and joins words with hyphens', () => {
    expect(normaliseLabel('Incident Response')).toBe('incident-response');
  });

  it('keeps only letters, digits, hyphens and underscores', () => {
    expect(normaliseLabel('CI/CD: pipelines!')).toBe('ci-cd-pipelines');
    expect(normaliseLabel('snake_case ok')).toBe('snake_case-ok');
  });

  it('folds accents and drops apostrophes', () => {
    expect(normaliseLabel('Café résumé')).toBe('cafe-resume');
    expect(normaliseLabel("team's runbook")).toBe('teams-runbook');
  });

  it('collapses runs of hyphens and trims them at the ends', () => {
    expect(normaliseLabel('  --on -- call--  ')).toBe('on-call');
    expect(normaliseLabel('_private_')).toBe('private');
  });

  it('cuts a long label to the length cap without a trailing hyphen', () => {
    expect(normaliseLabel('abcd efgh', 5)).toBe('abcd');
    expect(normaliseLabel('x'.repeat(80))).toHaveLength(50);
  });

  it('keeps the words of every script as they are, lowercased', () => {
    expect(normaliseLabel('日本語')).toBe('日本語');
    expect(normaliseLabel('Развертывание Сервиса')).toBe('развертывание-сервиса');
    expect(normaliseLabel('한국어 문서')).toBe('한국어-문서');
    expect(normaliseLabel('شبكة الإنترنت')).toBe('شبكة-الإنترنت');
    expect(normaliseLabel('Straße')).toBe('straße');
  });

  it('keeps the marks that are part of a letter outside the Latin script', () => {
    expect(normaliseLabel('デプロイ')).toBe('デプロイ');
    expect(normaliseLabel('ﾃﾞﾌﾟﾛｲ')).toBe('デプロイ');
    expect(normaliseLabel('नमस्ते दुनिया')).toBe('नमस्ते-दुनिया');
    expect(normaliseLabel('İstanbul')).toBe('istanbul');
  });

  it('drops emoji and symbols, and folds full-width letters', () => {
    expect(normaliseLabel('🚀 Launch ✓')).toBe('launch');
    expect(normaliseLabel('Ｋａｆｋａ')).toBe('kafka');
  });

  it('cuts a long label between letters, never inside one, and within Confluence’s 255 units', () => {
    expect(normaliseLabel('नमस्ते', 3)).toBe('नमस्ते');
    expect(normaliseLabel('नमस्ते', 2)).toBe('नम');
    const marked = 'ก\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39'.repeat(60);
    const cut = normaliseLabel(marked);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut.length % 7).toBe(0);
  });

  it('returns an empty string when nothing usable is left', () => {
    expect(normaliseLabel('!!!')).toBe('');
    expect(normaliseLabel('🚀 ✓ →')).toBe('');
  });
});

describe('normaliseLabels', () => {
  it('drops empties, duplicates and non-strings, keeping the first occurrence order', () => {
    expect(normaliseLabels(['Kafka', 'kafka', '', 42, 'On Call', 'on-call', null], rules)).toEqual([
      'kafka',
      'on-call',
    ]);
  });

  it('keeps at most maxTagsPerPage labels', () => {
    const raw = Array.from({ length: 12 }, (_, i) => `tag ${i}`);
    expect(normaliseLabels(raw, { ...rules, maxTagsPerPage: 3 })).toEqual(['tag-0', 'tag-1', 'tag-2']);
  });

  it('keeps only labels in the taxonomy when one is given', () => {
    const taxonomy = normaliseTaxonomy(['Kafka', 'On Call']);
    expect(normaliseLabels(['kafka', 'postgres', 'on call'], { ...rules, taxonomy })).toEqual([
      'kafka',
      'on-call',
    ]);
  });

  it('turns text written to break the format into plain labels', () => {
    const raw = ['"}], "pages": [{"id": "other"', '<script>alert(1)</script>', 'IGNORE ALL RULES'];
    expect(normaliseLabels(raw, rules)).toEqual([
      'pages-id-other',
      'script-alert-1-script',
      'ignore-all-rules',
    ]);
  });
});
