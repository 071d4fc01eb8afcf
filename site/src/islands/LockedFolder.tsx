import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import Timeline from './Timeline';

interface AuthStatus {
  pinCode: boolean;
  isElevated: boolean;
  pinExpiresAt?: string;
}

/**
 * The locked folder: photos only you see, behind a six-digit PIN. The first visit sets the PIN;
 * later ones ask for it, which opens the folder in this browser for 15 minutes (longer while
 * you use it). Locking, or the time running out, closes it again.
 */
export default function LockedFolder() {
  const [status, setStatus] = useState<AuthStatus | undefined>();
  const [message, setMessage] = useState('');
  const load = () => api<AuthStatus>('GET', '/auth/status').then(setStatus);
  useEffect(() => void load(), []);
  // When the unlock runs out the folder closes on screen too, not only on the server.
  useEffect(() => {
    if (!status?.pinExpiresAt) return;
    const timer = setTimeout(() => void load(), new Date(status.pinExpiresAt).getTime() - Date.now() + 1000);
    return () => clearTimeout(timer);
  }, [status?.pinExpiresAt]);

  async function submit(event: Event, send: (pin: string, form: FormData) => Promise<unknown>) {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    try {
      await send(String(form.get('pin')), form);
      setMessage('');
      element.reset();
      await load();
    } catch (e) {
      setMessage(e instanceof ApiError ? (e.message === 'Wrong PIN code' ? 'Wrong PIN — try again.' : e.message) : 'Something went wrong');
    }
  }

  if (!status) return <p class="empty">Loading…</p>;
  const pinInput = (name: string, label: string) => (
    <label>
      {label} <input name={name} type="password" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} minLength={6} required autoComplete="off" />
    </label>
  );

  if (!status.pinCode) {
    // Setting the PIN opens the folder at once: asking for the PIN just chosen would be a chore.
    const setUp = async (pin: string, form: FormData) => {
      if (pin !== String(form.get('again'))) throw new ApiError(400, 'The two PINs differ');
      await api('POST', '/auth/pin-code', { pinCode: pin });
      await api('POST', '/auth/session/unlock', { pinCode: pin });
    };
    return (
      <form class="settings locked-gate" onSubmit={(e) => void submit(e, setUp)}>
        <p>Choose a six-digit PIN. Photos you move here show nowhere else — not in the timeline, albums, shared links, search or the map — and only after the PIN is entered.</p>
        {pinInput('pin', 'New PIN')}
        {pinInput('again', 'The PIN again')}
        <button class="button primary" type="submit">Set PIN</button>
        {message && <p role="alert">{message}</p>}
      </form>
    );
  }

  if (!status.isElevated) {
    return (
      <form class="settings locked-gate" onSubmit={(e) => void submit(e, (pin) => api('POST', '/auth/session/unlock', { pinCode: pin }))}>
        {pinInput('pin', 'PIN')}
        <button class="button primary" type="submit">Unlock</button>
        {message && <p role="alert">{message}</p>}
      </form>
    );
  }

  return (
    <div>
      <div class="actions">
        <button class="button" onClick={() => void api('POST', '/auth/session/lock').then(load)}>Lock</button>
      </div>
      <Timeline kind="locked" query="visibility=locked" uploads={false} emptyText="Nothing here yet. Select photos in the timeline and choose “Move to locked folder”." />
    </div>
  );
}
