"""The refusal message of a state change names the state, the target and what is possible, in words."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grants import states


def _message(*args, **kw):
    with pytest.raises(ValidationError) as err:
        states.require_transition(*args, **kw)
    return err.value.message_dict


def test_a_terminal_state_allows_none():
    assert _message(states.VOTE, "closed", "open", field="vote_status") == {
        "vote_status": ["Its status is “Vote closed”, so it cannot become “Vote open” (no further change is possible)."]}


def test_the_message_lists_what_is_allowed_in_order_in_words():
    [message] = _message(states.AWARD, "offered", "closed")["status"]
    assert message == ("Its status is “Offered (awaiting acceptance)”, so it cannot become “Closed out” "
                       "(it can become “Accepted”, “Cancelled”).")


def test_the_message_is_in_the_readers_language():
    with translation.override("es"):
        [message] = _message(states.AWARD, "offered", "closed")["status"]
    assert message.startswith("Su estado es “Ofrecida (pendiente de aceptación)”")
    assert "offered" not in message and "closed" not in message
