"""The seeds' routes on FastAPI (ASGI), for uvicorn: uvicorn fastapi_app:app."""

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()
BIG = "Hello world!" * 10000


@app.get("/", response_class=PlainTextResponse)
async def hello():
    return "Hello, world!"


@app.get("/api/v2/{msisdn}")
async def status(msisdn: str):
    return {"msisdn": msisdn, "status": "ok"}


@app.get("/big")
async def big():
    return {"result": BIG}
