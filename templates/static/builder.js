// placeholder: the routine builder
