"""On call: how to reach each person, who answers now, paging with escalation."""
