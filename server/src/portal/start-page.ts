const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page a refused sign-in link shows: what happened and what to do (no script, no inline style). */
export function startPage(message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in link refused · NebulaHex portal</title></head>
<body>
<main>
<h1>This sign-in link cannot be used</h1>
<p>${escape(message)}</p>
<p>Portal links work once and for a few minutes. Open the portal again from your NebulaHex dashboard, or ask an admin for a new link.</p>
</main>
</body>
</html>
`;
}
