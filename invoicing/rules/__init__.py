"""The deposit checks of DOMAIN §5.4: routing, numbering, references, amounts, supplier and
validator. Pure rules over submitted data; field limits are read from the models."""
