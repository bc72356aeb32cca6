import { useId, useRef, type ReactNode } from 'react';

/**
 * A button that asks first, in a native modal dialog (focus is trapped in it, Escape
 * cancels). `onConfirm` runs only after the person confirms.
 */
export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, danger = false, disabled = false }: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <form method="dialog">
          <h2 id={titleId}>{title}</h2>
          <div>{children}</div>
          <div className="actions">
            <button type="submit" value="cancel" autoFocus>
              Cancel
            </button>
            <button type="submit" value="confirm" className={danger ? 'danger' : 'primary'} onClick={() => onConfirm()}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
