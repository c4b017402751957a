"""Each conversation always goes to the same Rasa instance, from every gateway."""

import httpx

from bot.config import Settings
from bot.conversation.rasa_client import RasaClient

URLS = ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]


def client() -> RasaClient:
    return RasaClient(settings=Settings(rasa={"instances": URLS}), http=httpx.AsyncClient())


def test_a_conversation_is_routed_to_the_same_instance_by_every_gateway() -> None:
    first, second = client(), client()  # two gateways
    for n in range(200):
        conversation = f"web:resident-{n}"
        assert first.instance_for(conversation) == second.instance_for(conversation)


def test_conversations_are_spread_over_the_instances() -> None:
    gateway = client()
    routed = [gateway.instance_for(f"telegram:{n}") for n in range(1000)]
    shares = [routed.count(url) / len(routed) for url in URLS]
    assert all(0.4 < share < 0.6 for share in shares)


def test_one_instance_is_the_default() -> None:
    single = RasaClient(settings=Settings(), http=httpx.AsyncClient())
    assert single.instance_for("web:x") == "http://127.0.0.1:5005"
