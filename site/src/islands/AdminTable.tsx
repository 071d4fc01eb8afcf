import type { ComponentChildren } from 'preact';

/** The admin pages' tables: named columns, a last unnamed one for each row's buttons. */
export default function AdminTable({ columns, children }: { columns: string[]; children: ComponentChildren }) {
  return (
    <table class="jobs">
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
