const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** What the browser shows when an authorization request cannot go on (no script, no inline style). */
export function errorPage(out: { error: string; error_description?: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Connection refused · NebulaHex</title></head>
<body>
<main>
<h1>This app cannot be connected</h1>
<p>${escape(out.error_description ?? out.error)} (<code>${escape(out.error)}</code>)</p>
<p>Start connecting again from the app you came from. If it keeps happening, contact NebulaHex support.</p>
</main>
</body>
</html>
`;
}
