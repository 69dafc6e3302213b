import type { CommandExample } from '../../../protocol/index.ts';

/** The start page: what skipper does, and tasks to try that fill the composer when picked. */
export function EmptyState({ examples, onPick }: { examples: CommandExample[]; onPick(prompt: string): void }) {
  return (
    <div className="thread-scroller">
      <div className="thread empty-state">
        <h2 className="empty-state-title">What should skipper do?</h2>
        <p className="empty-state-lead">
          Describe a task step by step. skipper turns it into a numbered plan, runs it in a real browser, and shows a screenshot after
          each step.
        </p>
        <h3 className="empty-state-subtitle">Try one of these</h3>
        <ul className="examples">
          {examples.map((example) => (
            <li key={example.title}>
              <button type="button" className="example" onClick={() => onPick(example.prompt)}>
                <span className="example-title">{example.title}</span>
                <span className="example-prompt">{example.prompt}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
