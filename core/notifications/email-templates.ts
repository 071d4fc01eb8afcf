import { BadRequest } from '../errors.js';

/**
 * The e-mails Immich's settings page lets an admin word themselves, previewed with sample values.
 * A custom template names values in braces (`{displayName}`), as Immich's do; values are
 * escaped, the admin's own markup is kept. Shoebox does not send e-mail yet (no SMTP), so these
 * are what the admin sees, and what a sender would use.
 */
export const EMAIL_TEMPLATES = {
  welcome: {
    sample: { baseUrl: 'https://photos.example.com', displayName: 'John Doe', username: 'john@doe.com', password: 'thisIsAPassword123' },
    body: '<p>Hey <strong>{displayName}</strong>!</p><p>A new account has been created for you.</p><p><strong>Username</strong>: {username}<br><strong>Password</strong>: {password}</p><p><a href="{baseUrl}/auth/login">Log in</a></p>',
  },
  'album-invite': {
    sample: { baseUrl: 'https://photos.example.com', albumId: '1', albumName: 'Favorite Photos', senderName: 'John Doe', recipientName: 'Jane Doe' },
    body: '<p>Hey <strong>{recipientName}</strong>!</p><p>{senderName} has added you to the album <strong>{albumName}</strong>.</p><p><a href="{baseUrl}/albums/{albumId}">View album</a></p>',
  },
  'album-update': {
    sample: { baseUrl: 'https://photos.example.com', albumId: '1', albumName: 'Favorite Photos', recipientName: 'Jane Doe' },
    body: '<p>Hey <strong>{recipientName}</strong>!</p><p>New media has been added to the album <strong>{albumName}</strong>.</p><p><a href="{baseUrl}/albums/{albumId}">View album</a></p>',
  },
} as const;
export type EmailTemplateName = keyof typeof EMAIL_TEMPLATES;

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The template (the admin's, or the built-in one) filled with the sample values, as a whole HTML page. */
export function previewEmailTemplate(name: string, custom: string): { name: string; html: string } {
  if (!(name in EMAIL_TEMPLATES)) throw new BadRequest(`Unknown email template: ${name} (one of ${Object.keys(EMAIL_TEMPLATES).join(', ')})`);
  const template = EMAIL_TEMPLATES[name as EmailTemplateName];
  const values: Record<string, string> = template.sample;
  const body = (custom || template.body).replaceAll(/{(.*?)}/g, (whole, key: string) => (values[key] === undefined ? whole : escape(values[key])));
  return { name, html: `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}</body></html>` };
}
