"""Chat front ends (Discord and a local console) over the story core."""
