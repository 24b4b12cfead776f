import { describe, expect, it } from 'vitest';
import { readGeminiRequest } from '../../src/sim/gemini-request.js';

describe('readGeminiRequest', () => {
  it('reads texts and output settings in either proto spelling', () => {
    const read = readGeminiRequest({
      contents: [
        { role: 'user', parts: [{ text: 'hello ' }, { text: 'json' }] },
        { role: 'model', parts: [{ text: 'ignored' }] },
      ],
      system_instruction: { parts: [{ text: 'be brief' }] },
      generation_config: { response_mime_type: 'application/json', max_output_tokens: 64 },
    });
    expect(read).toEqual({
      systemText: 'be brief',
      userText: 'hello json',
      jsonMode: true,
      maxOutputTokens: 64,
    });
  });

  it('names every unknown schema field with its proto path', () => {
    const read = readGeminiRequest({
      contents: [{ parts: [{ text: 'x' }] }],
      generationConfig: {
        responseSchema: {
          type: 'object',
          properties: {
            pages: { type: 'array', items: { type: 'object', additionalProperties: false } },
          },
        },
      },
    });
    expect(read).toEqual([
      {
        field: 'generation_config.response_schema.properties[0].value.items',
        description:
          'Invalid JSON payload received. Unknown name "additionalProperties" at ' +
          "'generation_config.response_schema.properties[0].value.items': Cannot find field.",
      },
    ]);
  });

  it('refuses unknown request fields and a request without contents', () => {
    const read = readGeminiRequest({ prompt: 'x', generationConfig: { response_format: {} } });
    expect(Array.isArray(read) ? read.map((v) => v.description) : read).toEqual([
      'Invalid JSON payload received. Unknown name "prompt": Cannot find field.',
      'Invalid JSON payload received. Unknown name "response_format" at \'generation_config\': Cannot find field.',
      '* GenerateContentRequest.contents: contents is not specified',
    ]);
  });
});
