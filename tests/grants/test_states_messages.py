"""The refusal message of a state change names what, the state, the target and what is allowed."""

import pytest
from django.core.exceptions import ValidationError

from grants import states


def _message(*args, **kw):
    with pytest.raises(ValidationError) as err:
        states.require_transition(*args, **kw)
    return err.value.message_dict


def test_a_terminal_state_allows_none():
    assert _message(states.VOTE, "closed", "open", field="vote_status", what="vote") == {
        "vote_status": ["A vote in state 'closed' cannot become 'open' (allowed: none)."]}


def test_the_message_lists_what_is_allowed_in_order():
    [message] = _message(states.AWARD, "offered", "closed", what="award")["status"]
    assert message == "A award in state 'offered' cannot become 'closed' (allowed: accepted, cancelled)."
