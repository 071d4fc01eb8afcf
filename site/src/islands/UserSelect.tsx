export interface UserChoice {
  id: string;
  name: string;
  email: string;
}

/** A labelled choice of users by name and email (album members, partners, a library's owner). */
export default function UserSelect({ label, name, users }: { label: string; name: string; users: UserChoice[] }) {
  return (
    <label>
      {label}{' '}
      <select name={name} required>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.email})
          </option>
        ))}
      </select>
    </label>
  );
}
