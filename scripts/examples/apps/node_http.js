// Plain Node http, no framework: the floor under Express. node node_http.js PORT
const http = require("http");

const big = JSON.stringify({ result: "Hello world!".repeat(10000) });
http
  .createServer((req, res) => {
    if (req.url === "/big") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(big);
    } else {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("Hello, world!");
    }
  })
  .listen(Number(process.argv[2]), "127.0.0.1");
