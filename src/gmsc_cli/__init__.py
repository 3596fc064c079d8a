"""gmsc: the ledger of Indonesia's Gerakan Menuju Smart City cohorts."""

__version__ = "0.1.0"
