/**
 * The page served at / until the React UI exists: it says so, and lists this node's
 * networks through the same API the UI will use (a cookie carries the token). The script is
 * a separate file because the Content-Security-Policy forbids inline scripts.
 */
export const PLACEHOLDER_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Exodus Circles</title>
    <link rel="stylesheet" href="/placeholder.css" />
  </head>
  <body>
    <main>
      <h1>Exodus Circles</h1>
      <p>This node is running. The app's screens arrive in a later version; until then, use the
        <code>exodus</code> command line (<code>exodus --help</code>).</p>
      <h2>Networks on this node</h2>
      <p id="status">Loading…</p>
      <ul id="networks"></ul>
    </main>
    <script type="module" src="/placeholder.js"></script>
  </body>
</html>
`

export const PLACEHOLDER_CSS = `body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; padding: 0 1rem; line-height: 1.5; }
code { background: #f3f3f3; padding: 0 0.25em; border-radius: 3px; }
li { margin: 0.5rem 0; }
.muted { color: #666; }
`

export const PLACEHOLDER_JS = `const statusLine = document.getElementById('status')
const list = document.getElementById('networks')

async function call(command, params = {}) {
  const res = await fetch('/api/' + command, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  })
  const reply = await res.json()
  if (!reply.ok) throw new Error(reply.error.message)
  return reply.result
}

async function refresh() {
  try {
    const networks = await call('network.list')
    list.replaceChildren()
    for (const n of networks) {
      const item = document.createElement('li')
      const name = document.createElement('strong')
      name.textContent = n.name
      const details = document.createElement('span')
      details.className = 'muted'
      const peers = n.sync.peers === 1 ? '1 peer' : n.sync.peers + ' peers'
      details.textContent = ' · ' + n.currency + ' · ' + peers + ' online'
      item.append(name, details)
      list.append(item)
    }
    statusLine.textContent = networks.length
      ? ''
      : 'None yet. Create one with: exodus network create NAME --currency EUR'
  } catch (err) {
    statusLine.textContent = 'Could not reach the node: ' + err.message
  }
}

function listen() {
  const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws')
  ws.onmessage = (message) => {
    const data = JSON.parse(message.data)
    if (data.event) refresh()
  }
  ws.onclose = () => setTimeout(listen, 3000)
}

refresh()
listen()
`
