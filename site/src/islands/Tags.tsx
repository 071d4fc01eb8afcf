import { useEffect, useState } from 'preact/hooks';
import { api, type Tag } from '../lib/api';
import Timeline from './Timeline';

interface TagNode extends Tag {
  children: TagNode[];
}

/** The flat list GET /tags gives, as the tree its values spell ('Family/Anna' under 'Family'). */
function tagTree(tags: Tag[]): TagNode[] {
  const nodes = new Map(tags.map((t) => [t.id, { ...t, children: [] as TagNode[] }]));
  const roots: TagNode[] = [];
  for (const node of nodes.values()) (node.parentId && nodes.get(node.parentId)?.children ? nodes.get(node.parentId)!.children : roots).push(node);
  return roots;
}

function TagList({ nodes, current }: { nodes: TagNode[]; current: string }) {
  return (
    <ul>
      {nodes.map((node) => (
        <li key={node.id}>
          <a href={`/tags/?id=${node.id}`} aria-current={node.id === current ? 'page' : undefined}>
            <span class="tag-dot" style={node.color ? { background: node.color } : undefined} aria-hidden="true" />
            {node.name}
          </a>
          {node.children.length > 0 && <TagList nodes={node.children} current={current} />}
        </li>
      ))}
    </ul>
  );
}

/**
 * Tags: the tree of your tags (from your photos' keywords, or added in a photo's Info), and one
 * tag's photos — those under it included — with rename, colour and delete.
 */
export default function Tags() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [tags, setTags] = useState<Tag[] | undefined>();
  const [note, setNote] = useState('');
  const load = async () => setTags(await api<Tag[]>('GET', '/tags'));
  useEffect(() => void load(), []);
  const tag = tags?.find((t) => t.id === id);

  async function create(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name')).trim();
    if (!name) return;
    try {
      // A path makes every level ('Trips/Porto'); under the open tag when one is open.
      const [made] = await api<Tag[]>('PUT', '/tags', { tags: [tag ? `${tag.value}/${name}` : name] });
      form.reset();
      location.href = `/tags/?id=${made!.id}`;
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  async function change(body: { name?: string; color?: string }) {
    try {
      await api('PUT', `/tags/${id}`, body);
      setNote('');
      await load();
    } catch (error) {
      setNote((error as Error).message);
    }
  }

  async function remove() {
    if (!tag || !confirm(`Delete the tag “${tag.value}” and the tags under it? The photos stay.`)) return;
    await api('DELETE', `/tags/${id}`);
    location.href = '/tags/';
  }

  if (!tags) return <p class="empty">Loading…</p>;
  return (
    <div class="tags-page">
      <div class="tags-side">
        {tags.length === 0 ? (
          <p class="empty">No tags yet. They come from your photos’ keywords, or add one to a photo in its Info panel.</p>
        ) : (
          <nav aria-label="Tags" class="tag-tree">
            <TagList nodes={tagTree(tags)} current={id} />
          </nav>
        )}
        <form onSubmit={create} class="actions">
          <label class="sr-only" for="new-tag">
            {tag ? `New tag under ${tag.value}` : 'New tag'}
          </label>
          <input id="new-tag" name="name" placeholder={tag ? `New tag under ${tag.name}` : 'New tag'} maxLength={200} />
          <button class="button" type="submit">
            Add
          </button>
        </form>
      </div>
      {tag ? (
        <div class="tags-main">
          <header class="person">
            <input
              aria-label="Tag name"
              class="person-name"
              key={tag.value}
              defaultValue={tag.name}
              onKeyDown={(e) => e.key === 'Enter' && (e.currentTarget as HTMLInputElement).blur()}
              onBlur={(e) => e.currentTarget.value.trim() !== tag.name && void change({ name: e.currentTarget.value.trim() })}
            />
            <label>
              Colour <input type="color" value={tag.color?.length === 7 ? tag.color : '#1a73e8'} onChange={(e) => void change({ color: e.currentTarget.value })} />
            </label>
            <button class="button" onClick={remove}>
              Delete tag
            </button>
            {note && <p role="alert">{note}</p>}
          </header>
          <p class="tag-path">{tag.value}</p>
          <Timeline query={`tagId=${id}`} uploads={false} emptyText="No photos with this tag (or the tags under it) yet." />
        </div>
      ) : (
        note && <p role="alert">{note}</p>
      )}
    </div>
  );
}
