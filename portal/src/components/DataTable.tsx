import { Children, cloneElement, createContext, isValidElement, useContext, type ComponentProps, type ReactNode } from 'react';

const Columns = createContext<readonly string[]>([]);

/**
 * A table in its own focusable region, its header row made of `columns`, its rows `DataRow`s.
 * On a narrow screen (styles.css) each row is a card whose cells show their column's name.
 */
export function DataTable({ label, columns, testId, children }: { label: string; columns: readonly string[]; testId?: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table className="stacking" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <Columns.Provider value={columns}>{children}</Columns.Provider>
        </tbody>
      </table>
    </div>
  );
}

/** A row of a `DataTable`: its cells (`th`/`td`, one per column, in order) get their column's name as `data-label`. */
export function DataRow({ children, ...props }: ComponentProps<'tr'>) {
  const columns = useContext(Columns);
  let column = 0;
  return (
    <tr {...props}>
      {Children.map(children, (cell) => (isValidElement<Record<string, unknown>>(cell) ? cloneElement(cell, { 'data-label': columns[column++] }) : cell))}
    </tr>
  );
}
