"""The conductor: the central service through which site services read
and change central state (site services hold no database credentials)."""
