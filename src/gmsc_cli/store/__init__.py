"""The store: the ledger kept in a database (`tables` is the one statement of the schema;
`store` opens it, reads in one snapshot and writes in one unit of work)."""
