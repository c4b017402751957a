"""`shuoshi chat`: the assistant in a terminal, through the same relay as every channel.

Buttons are numbered; typing the number presses the button. Needs `shuoshi run` (or
`make run`) running for Rasa and the action server.
"""

from __future__ import annotations

import asyncio

import httpx

from bot.config import Settings
from bot.conversation.payloads import ForgedPayload
from bot.conversation.rasa_client import RasaClient
from bot.conversation.relay import Inbound, InvalidMessage, Outcome, Relay

PROMPT = "您 / you> "


def render(outcome: Outcome) -> tuple[str, list[str]]:
    """The replies as terminal text, and the payloads of their numbered buttons."""
    lines: list[str] = []
    buttons: list[str] = []
    for reply in outcome.replies:
        if reply.text:
            lines.append(f"说事> {reply.text}")
        for button in reply.buttons:
            buttons.append(button.payload)
            lines.append(f"   [{len(buttons)}] {button.title}")
    return "\n".join(lines), buttons


async def chat(settings: Settings, *, sender: str) -> int:
    async with httpx.AsyncClient() as http:
        relay = Relay(settings=settings, rasa=RasaClient(settings=settings, http=http))
        print("说事 Shuoshi — 输入问题，按回车发送；输入数字按按钮；Ctrl-D 退出。")
        print("Type a question and press Enter; type a number to press a button; Ctrl-D quits.")
        buttons: list[str] = []
        while True:
            try:
                line = (await asyncio.to_thread(input, PROMPT)).strip()
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if not line:
                continue
            pressed = int(line) - 1 if line.isdigit() and 0 < int(line) <= len(buttons) else None
            inbound = (
                Inbound(channel="terminal", sender=sender, payload=buttons[pressed])
                if pressed is not None
                else Inbound(channel="terminal", sender=sender, text=line)
            )
            try:
                text, buttons = render(await relay.handle(inbound))
            except (InvalidMessage, ForgedPayload) as error:
                print(f"!! {error}")
                continue
            print(text)
