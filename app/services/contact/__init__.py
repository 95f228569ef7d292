"""Contact: routing a message to an officer or desk, actions on threads, inboxes, the
sender's private link, escalation, handover on transfer, reply statistics."""
