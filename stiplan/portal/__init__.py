"""The public side of stiplan: open datasets, their DCAT catalogue and the DHIS2 export."""
