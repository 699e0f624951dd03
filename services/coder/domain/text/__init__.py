"""Reading the words: diagnoses found in notes, diagnosis texts and the assessment/plan.

`mentions.py` holds the types the text engine produces and the guideline rules consume.
"""
