// The reference sync server for `bench load`: the JavaScript automerge-repo
// as a relay (WebSocket at /, file storage), like automerge-repo-sync-server.
// usage: node server.mjs PORT DATA_DIR   (prints "listening PORT" when ready)
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

const port = Number(process.argv[2] ?? 0)
const dir = process.argv[3] ?? ".amrg"

const wss = new WebSocketServer({ port, maxPayload: 64 * 1024 * 1024 })
const adapter = new NodeWSServerAdapter(wss)
new Repo({
  network: [adapter],
  storage: new NodeFSStorageAdapter(dir),
  peerId: `reference-${process.pid}`,
  // A relay shares every document with every peer, as ours does.
  sharePolicy: async () => true,
})
// A socket error (a client gone mid-frame) is that client's problem only.
wss.on("connection", socket => socket.on("error", e => console.error(`socket: ${e.message}`)))
// Ready once the socket listens *and* the repo has connected its adapter
// (it does so asynchronously, after reading its storage id): a client that
// arrived before that had its join ignored and its socket dropped.
const listening = new Promise(resolve => wss.on("listening", resolve))
const connected = new Promise(resolve => {
  const check = () => (adapter.peerId ? resolve() : setTimeout(check, 5))
  check()
})
Promise.all([listening, connected]).then(() => console.log(`listening ${wss.address().port}`))
const stop = () => wss.close(() => process.exit(0))
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
