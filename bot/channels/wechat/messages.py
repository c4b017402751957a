"""What WeChat pushes to the server URL: one XML message or event, read into plain fields.

Only the fields we use are read. A body with a DOCTYPE is refused before parsing (no entity
tricks); WeChat never sends one.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass


class InvalidPush(ValueError):
    """A body that is not a WeChat message."""


@dataclass(frozen=True)
class Pushed:
    """One push: a message a resident sent (text, image, voice, location…) or an event."""

    to_user: str  # our account's original id
    from_user: str  # the resident's OpenID for this account
    create_time: int
    msg_type: str  # text | image | voice | video | shortvideo | location | link | event
    msg_id: str | None = None
    content: str | None = None  # text
    pic_url: str | None = None  # image
    media_id: str | None = None  # image, voice
    recognition: str | None = None  # voice: WeChat's own speech recognition, when switched on
    event: str | None = None  # subscribe | unsubscribe | CLICK | VIEW | LOCATION | SCAN …
    event_key: str | None = None  # CLICK: the menu key

    @property
    def dedupe_key(self) -> str:
        """One key per push however often WeChat retries it: the MsgId, or for an event (which has
        none) the sender and the creation time. Hashed: the table holds no OpenID."""
        raw = (
            f"msg:{self.msg_id}" if self.msg_id else f"event:{self.from_user}:{self.create_time}:{self.event}"
        )
        return hashlib.sha256(raw.encode()).hexdigest()


def read_xml(body: str) -> dict[str, str]:
    """The child elements of the <xml> root as text."""
    if "<!DOCTYPE" in body.upper() or "<!ENTITY" in body.upper():
        raise InvalidPush("a DOCTYPE is not accepted")
    try:
        root = ET.fromstring(body)  # noqa: S314 (see above)
    except ET.ParseError as error:
        raise InvalidPush("not XML") from error
    if root.tag != "xml":
        raise InvalidPush("not a WeChat message")
    return {child.tag: (child.text or "") for child in root}


def parse(body: str) -> Pushed:
    fields = read_xml(body)
    try:
        create_time = int(fields.get("CreateTime", ""))
    except ValueError as error:
        raise InvalidPush("CreateTime is missing") from error
    sender, msg_type = fields.get("FromUserName", ""), fields.get("MsgType", "")
    if not sender or not msg_type:
        raise InvalidPush("FromUserName or MsgType is missing")
    return Pushed(
        to_user=fields.get("ToUserName", ""),
        from_user=sender,
        create_time=create_time,
        msg_type=msg_type.lower(),
        msg_id=fields.get("MsgId") or None,
        content=fields.get("Content"),
        pic_url=fields.get("PicUrl") or None,
        media_id=fields.get("MediaId") or None,
        recognition=(fields.get("Recognition") or "").strip() or None,
        event=fields.get("Event") or None,
        event_key=fields.get("EventKey") or None,
    )
