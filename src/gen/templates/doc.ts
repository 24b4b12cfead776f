import type { BodyFormat } from '../../model/page-event.js';

/**
 * A page body as a list of blocks, rendered to one of the three body formats. Inline code is
 * written `like this` in block text: storage renders it as <code>, markdown keeps the backticks,
 * plain text drops them.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: readonly string[]; ordered: boolean }
  | { kind: 'code'; language: string; text: string }
  | { kind: 'note'; text: string };

const INLINE_CODE = /`([^`]+)`/g;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function storageInline(text: string): string {
  return escapeXml(text).replace(INLINE_CODE, '<code>$1</code>');
}

function renderStorage(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`<h2>${escapeXml(block.text)}</h2>`);
        break;
      case 'paragraph':
        out.push(`<p>${storageInline(block.text)}</p>`);
        break;
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul';
        const items = block.items.map((item) => `<li>${storageInline(item)}</li>`).join('');
        out.push(`<${tag}>${items}</${tag}>`);
        break;
      }
      case 'code':
        out.push(
          `<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">${block.language}</ac:parameter>` +
            `<ac:plain-text-body><![CDATA[${block.text}]]></ac:plain-text-body></ac:structured-macro>`,
        );
        break;
      case 'note':
        out.push(
          `<ac:structured-macro ac:name="info"><ac:rich-text-body><p>${storageInline(block.text)}</p>` +
            `</ac:rich-text-body></ac:structured-macro>`,
        );
        break;
    }
  }
  return out.join('');
}

function renderMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`## ${block.text}`);
        break;
      case 'paragraph':
        out.push(block.text);
        break;
      case 'list':
        out.push(block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${item}`).join('\n'));
        break;
      case 'code':
        out.push(`\`\`\`${block.language}\n${block.text}\n\`\`\``);
        break;
      case 'note':
        out.push(`> **Note:** ${block.text}`);
        break;
    }
  }
  return out.join('\n\n') + '\n';
}

function renderText(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(block.text);
        break;
      case 'paragraph':
        out.push(block.text.replace(INLINE_CODE, '$1'));
        break;
      case 'list':
        out.push(
          block.items
            .map((item, i) => `${block.ordered ? `${i + 1})` : '*'} ${item.replace(INLINE_CODE, '$1')}`)
            .join('\n'),
        );
        break;
      case 'code':
        out.push(
          block.text
            .split('\n')
            .map((line) => `    ${line}`)
            .join('\n'),
        );
        break;
      case 'note':
        out.push(`Note: ${block.text.replace(INLINE_CODE, '$1')}`);
        break;
    }
  }
  return out.join('\n\n') + '\n';
}

export function renderDoc(blocks: readonly Block[], format: BodyFormat): string {
  if (format === 'storage') return renderStorage(blocks);
  if (format === 'markdown') return renderMarkdown(blocks);
  return renderText(blocks);
}
