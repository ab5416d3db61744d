"""The registry's exchange of resources and technology: labs and their equipment, who may share
them and on what terms; technology offers and demands (cung – cầu công nghệ) and how they match.
The models are in stiplan.registry.models; the writes in `actions`, the matching in `matching`,
the pages in `views` (docs/registry.md, «Labs, offers and demands»)."""
