"""WeChat's signatures and safe-mode encryption, checked against Tencent's own sample message."""

from __future__ import annotations

import pytest

from bot.channels.wechat import crypto

# From Tencent's published sample for the message encryption (WXBizMsgCrypt's demo).
SAMPLE = {
    "token": "spamtest",
    "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "app_id": "wx2c2769f8efd9abc2",
    "timestamp": "1409735669",
    "nonce": "1320562132",
    "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    "encrypt": (
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFV"
        "AFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVti"
        "cbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpA"
        "e+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCum"
        "EPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
    ),
}


def test_tencents_sample_message_verifies_and_decrypts() -> None:
    crypto.check_signature(
        token=SAMPLE["token"],
        timestamp=SAMPLE["timestamp"],
        nonce=SAMPLE["nonce"],
        given=SAMPLE["msg_signature"],
        encrypted=SAMPLE["encrypt"],
    )
    plain = crypto.MessageCrypto(aes_key=SAMPLE["aes_key"], app_id=SAMPLE["app_id"]).decrypt(
        SAMPLE["encrypt"]
    )

    assert "<Content><![CDATA[abcdteT]]></Content>" in plain
    assert "<MsgId>6054768590064713728</MsgId>" in plain


def test_a_message_for_another_account_is_refused() -> None:
    other = crypto.MessageCrypto(aes_key=SAMPLE["aes_key"], app_id="wx0000000000000000")
    with pytest.raises(crypto.InvalidCiphertext, match="not for this account"):
        other.decrypt(SAMPLE["encrypt"])


def test_a_changed_ciphertext_fails_the_message_signature() -> None:
    changed = "A" + SAMPLE["encrypt"][1:]
    with pytest.raises(crypto.InvalidSignature):
        crypto.check_signature(
            token=SAMPLE["token"],
            timestamp=SAMPLE["timestamp"],
            nonce=SAMPLE["nonce"],
            given=SAMPLE["msg_signature"],
            encrypted=changed,
        )


def test_what_we_encrypt_decrypts_to_the_same_chinese_text() -> None:
    box = crypto.MessageCrypto(aes_key=SAMPLE["aes_key"], app_id=SAMPLE["app_id"])
    message = "<xml><Content><![CDATA[楼上漏水，物业不管]]></Content></xml>"

    assert box.decrypt(box.encrypt(message)) == message


@pytest.mark.parametrize("key", ["short", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!"])
def test_a_malformed_aes_key_is_named_at_start(key: str) -> None:
    with pytest.raises(ValueError, match="WECHAT__AES_KEY"):
        crypto.MessageCrypto(aes_key=key, app_id="wx")
