"""The rules of the todo contract, shared by every interface that reads or changes todos."""
