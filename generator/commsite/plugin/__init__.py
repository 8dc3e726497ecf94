"""The MkDocs adapter: wires MkDocs' build events to the core. Nothing else lives here."""
