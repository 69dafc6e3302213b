import { useState } from 'react';
import { describeError } from '../api-error.ts';

type AutoRunSwitchProps = {
  on: boolean;
  /** Saves the new setting; rejects with why it could not. */
  onChange(on: boolean): Promise<void>;
};

/** "Run plans without asking": when on, a plan skipper proposes starts at once instead of waiting for Run. */
export function AutoRunSwitch({ on, onChange }: AutoRunSwitchProps) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setSaving(true);
    setError(null);
    try {
      await onChange(!on);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="auto-run">
      <button
        type="button"
        role="switch"
        className="switch"
        aria-checked={on}
        disabled={saving}
        title="When on, the plans skipper proposes run at once, without waiting for you to press Run."
        onClick={() => void toggle()}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        Run plans without asking
      </button>
      {error && (
        <p className="auto-run-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
