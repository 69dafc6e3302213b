import type { StepOutput } from '../../../protocol/index.ts';

/** What an `observe` step found can be done: each action as the model described it, or its method and selector. */
export function ObservationList({ observations }: { observations: NonNullable<StepOutput['observations']> }) {
  return (
    <figure className="step-output" data-testid="observations">
      <figcaption>What can be done on the page</figcaption>
      {observations.length === 0 ? (
        <p>
          <em>Nothing found.</em>
        </p>
      ) : (
        <ul className="output-list">
          {observations.map((observation, index) => (
            <li key={index}>
              {observation.description || (
                <code>
                  {observation.method} {observation.selector}
                </code>
              )}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
