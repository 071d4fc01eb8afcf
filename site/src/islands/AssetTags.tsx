import { useEffect, useState } from 'preact/hooks';
import { api, type Tag } from '../lib/api';

interface Props {
  assetId: string;
  tags: Tag[];
  /** The asset changed: read it again. */
  onChange(): void;
}

/** A photo's tags in its Info panel: each a link to its page, removable; a new one typed or picked (a path like Trips/Porto makes each level). */
export default function AssetTags({ assetId, tags, onChange }: Props) {
  const [all, setAll] = useState<Tag[]>([]);
  const [note, setNote] = useState('');
  useEffect(() => void api<Tag[]>('GET', '/tags').then(setAll, () => setAll([])), [assetId]);

  async function add(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = String(new FormData(form).get('tag')).trim();
    if (!value) return;
    try {
      const [tag] = await api<Tag[]>('PUT', '/tags', { tags: [value] });
      if (!tag) throw new Error('A tag needs a name');
      await api('PUT', `/tags/${tag.id}/assets`, { ids: [assetId] });
      form.reset();
      setNote('');
      onChange();
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  async function remove(tag: Tag) {
    await api('DELETE', `/tags/${tag.id}/assets`, { ids: [assetId] });
    onChange();
  }

  return (
    <dd class="viewer-tags">
      {tags.map((tag) => (
        <span class="chip" key={tag.id}>
          <a href={`/tags/?id=${tag.id}`}>{tag.value}</a>
          <button type="button" onClick={() => void remove(tag)} aria-label={`Remove the tag ${tag.value}`}>
            ✕
          </button>
        </span>
      ))}
      <form onSubmit={add}>
        <label class="sr-only" for="add-tag">
          Add a tag
        </label>
        <input id="add-tag" name="tag" list="known-tags" placeholder="Add a tag" maxLength={1000} />
        <datalist id="known-tags">
          {all.map((t) => (
            <option key={t.id} value={t.value} />
          ))}
        </datalist>
      </form>
      {note && <span role="alert">{note}</span>}
    </dd>
  );
}
