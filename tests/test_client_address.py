"""The client's address: X-Forwarded-For believed only from the configured proxies."""

from __future__ import annotations

from bot.client_address import decide


def test_with_no_trusted_proxy_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert decide(peer="203.0.113.7", forwarded_for=["10.9.9.9"], trusted_proxies=[]) == "203.0.113.7"


def test_a_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() -> None:
    address = decide(peer="203.0.113.7", forwarded_for=["198.51.100.1"], trusted_proxies=["10.0.0.0/8"])

    assert address == "203.0.113.7"


def test_behind_the_trusted_proxy_the_client_is_the_address_it_appended() -> None:
    # The client wrote "1.2.3.4" itself; nginx appended the address it really came from.
    address = decide(
        peer="10.0.0.5", forwarded_for=["1.2.3.4, 198.51.100.23"], trusted_proxies=["10.0.0.0/8"]
    )

    assert address == "198.51.100.23"


def test_through_two_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client() -> None:
    address = decide(
        peer="10.0.0.5",
        forwarded_for=["1.2.3.4", "198.51.100.23, 10.1.1.1"],
        trusted_proxies=["10.0.0.0/8"],
    )

    assert address == "198.51.100.23"


def test_garbage_in_the_header_stops_at_the_last_address_a_trusted_proxy_wrote() -> None:
    address = decide(peer="10.0.0.5", forwarded_for=["not-an-address"], trusted_proxies=["10.0.0.5"])

    assert address == "10.0.0.5"
