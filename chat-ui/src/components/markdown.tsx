import { memo } from 'react';
import Markdown from 'react-markdown';
import type { Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const components: Components = {
  // A message sits under the page's and the thread's headings: its own start lower.
  h1: 'h3',
  h2: 'h4',
  h3: 'h5',
  h4: 'h6',
  h5: 'h6',
  // Links leave the chat in a new tab, and give the page they open no hold on this one.
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
  // An image the model names is linked, not loaded: loading it would tell its host who reads the chat.
  img: ({ src, alt }) => (
    <a href={typeof src === 'string' ? src : undefined} target="_blank" rel="noopener noreferrer">
      {alt || 'image'}
    </a>
  ),
  // Wide tables scroll on their own instead of widening the thread.
  table: ({ node: _node, ...props }) => (
    <div className="markdown-table">
      <table {...props} />
    </div>
  ),
};

/**
 * An assistant's text as markdown, with GitHub's tables, task lists and autolinks. Raw HTML is
 * shown as text, never rendered, and unsafe link targets (javascript: and the like) are dropped.
 * Memoised: a streaming reply re-renders the thread with every chunk, and only its own text changes.
 */
const MarkdownText = memo(function MarkdownText({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </Markdown>
    </div>
  );
});

// Loaded apart (React.lazy), as it is a good part of the page's code.
export default MarkdownText;
