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
new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: `reference-${process.pid}`,
  // A relay shares every document with every peer, as ours does.
  sharePolicy: async () => true,
})
// A socket error (a client gone mid-frame) is that client's problem only.
wss.on("connection", socket => socket.on("error", e => console.error(`socket: ${e.message}`)))
wss.on("listening", () => console.log(`listening ${wss.address().port}`))
const stop = () => wss.close(() => process.exit(0))
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
