import { useId, useState } from 'react';

/** Copies text to the clipboard and says whether it worked. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="hint">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'Copying is blocked here: select the text and copy it.' : ''}
      </span>
    </>
  );
}

/** A secret shown this once, with copy, and a warning that it will not be shown again. */
export function SecretOnce({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  const id = useId();
  return (
    <section className="secret" aria-labelledby={id}>
      <h3 id={id}>{label}</h3>
      <p className="warning">Copy it now: it is shown only this once.</p>
      <code className="secret-value" data-testid="secret-value">
        {value}
      </code>
      <div className="row">
        <CopyButton text={value} />
      </div>
      {children}
    </section>
  );
}
