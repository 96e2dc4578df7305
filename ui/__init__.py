"""The Gradio app around a Searcher."""
