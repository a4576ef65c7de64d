"""Buyers' needs: a buyer posts a need, the matching engine proposes regional firms with reasons,
the buyer invites them (or broadcasts to the best matches), each firm's path is timestamped, the
buyer compares the answers, shortlists, selects, and tells later what came of it
(docs/meetings.md, "Buyers' needs")."""
