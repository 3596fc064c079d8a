"""The domain: plain values and rules of the ledger, with no I/O.

`model` (ledger, cohort, entry), `regions` (the reference list and name resolution),
`history` (the one participation index), `arithmetic` (figures read from the history),
`checks` (small check functions), `findings`, `plan` (what an import would change).
"""
