"""The demo server's summary flow: trigger word, status events, status endpoint, the PDF."""

from __future__ import annotations

import io
import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from pypdf import PdfReader

if TYPE_CHECKING:
    from tests.demo.conftest import DemoClient


async def test_asking_for_a_summary_produces_a_downloadable_pdf(
    client: DemoClient, conversation_id: str
) -> None:
    async with client.http() as http:
        session_key = await client.login(http)
        status_url = client.url(f"/memory/conversation/{conversation_id}/summary/status/")
        async with http.get(status_url) as response:
            assert await response.json() == {"success": True, "ready": False}

        async with (
            client.connect("chat", conversation_id, cookies={"sessionid": session_key}) as chat,
            client.connect("status", conversation_id) as status,
        ):
            await status.send(json.dumps({"type": "ping"}))
            await client.recv_json(status)
            await chat.send(json.dumps({"message": "Please make a SUMMARY of my options"}))
            events = await client.recv_until(status, "summary_complete")
        [complete] = [event for event in events if event["type"] == "extraction_complete"]
        assert complete["summary_triggered"] is True

        async with http.get(status_url) as response:
            body = await response.json()
        assert body["success"] is True
        assert body["ready"] is True
        assert datetime.fromisoformat(body["generated_at"]).tzinfo is not None
        download_path = f"/memory/conversation/{conversation_id}/summary/download/"
        assert body["download_url"] == download_path

        async with http.get(client.url(download_path)) as response:
            assert response.status == 200
            assert response.content_type == "application/pdf"
            pdf = await response.read()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert conversation_id in text
    assert "Messages: 2 (1 from the user, 1 from the assistant)" in text
    assert "options" not in text  # counts only, never message text


async def test_other_messages_trigger_no_summary(client: DemoClient, conversation_id: str) -> None:
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await status.send(json.dumps({"type": "ping"}))
        await client.recv_json(status)
        await chat.send(json.dumps({"message": "summaryless summarise"}))
        events = await client.recv_until(status, "extraction_complete")
        assert events[-1]["summary_triggered"] is False
        await client.assert_silent(status, 0.1)
    async with client.http() as http:
        await client.login(http)
        async with http.get(
            client.url(f"/memory/conversation/{conversation_id}/summary/status/")
        ) as response:
            assert await response.json() == {"success": True, "ready": False}
        async with http.get(
            client.url(f"/memory/conversation/{conversation_id}/summary/download/")
        ) as response:
            assert response.status == 404
            body = await response.json()
    assert body["success"] is False
    assert body["error"]


async def test_summary_of_an_unknown_conversation_is_404(client: DemoClient) -> None:
    async with client.http() as http:
        await client.login(http)
        for path in ("status", "download"):
            url = client.url(f"/memory/conversation/{uuid.uuid4()}/summary/{path}/")
            async with http.get(url) as response:
                assert response.status == 404
                assert (await response.json())["success"] is False
