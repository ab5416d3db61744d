"""Computations with a right answer, in plain Python: no Django imports here."""
