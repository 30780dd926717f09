"""Housing services: estates, homes, the owners register, residents' bindings, bills, payments and the ledger."""
