"""Fit the question adapter (`rag/answer/adapter.py`) on labelled questions.

For each answerable question with both answering and other candidate sentences, the loss
is the softmax cross-entropy of its answering sentences among all its candidates, scored by
the dot product of each candidate's stored unit vector with q + W q (times a learned
temperature; the length of q + W q is the same for all of one question's candidates);
an L2 penalty keeps W small, so the adapter bends the embedding model's space rather than
replacing it. Full-batch Adam over a padded tensor: a few seconds on two cores for a
thousand questions. The figures that chose the penalty are in docs/decisions.md.

    adapter = fit_adapter(examples)        # examples from eval.reader_training.collect
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.adapter import QuestionAdapter

PENALTY = 1e-2  # weight of |W|² in the loss
EPOCHS = 300
LEARNING_RATE = 1e-2
TEMPERATURE = 20.0  # starting scale of the cosines in the softmax (learned from there)


def _usable(examples: Sequence) -> list:
    """Questions that tell an answering sentence from the others."""
    return [
        e
        for e in examples
        if e.question.answerable and e.question_vector is not None and len(e.candidates) and (e.labels == 1).any() and (e.labels == 0).any()
    ]


def fit_adapter(examples: Sequence) -> QuestionAdapter:
    """W fitted on `examples`; the identity where none of them can teach it anything."""
    import torch

    usable = _usable(examples)
    if not usable:
        return QuestionAdapter()
    width = max(len(e.candidates) for e in usable)
    size = len(usable[0].question_vector)
    vectors = np.zeros((len(usable), width, size), np.float32)
    present = np.zeros((len(usable), width), bool)
    answering = np.zeros((len(usable), width), bool)
    for i, example in enumerate(usable):
        n = len(example.candidates)
        vectors[i, :n] = np.stack([c.vector for c in example.candidates])
        present[i, :n] = True
        answering[i, :n] = example.labels == 1  # a sentence holding the gold but not the evidence (-1) counts as another
    questions = torch.tensor(np.stack([e.question_vector for e in usable]).astype(np.float32))
    candidates, present_t, answering_t = torch.tensor(vectors), torch.tensor(present), torch.tensor(answering)
    matrix = torch.zeros(size, size, requires_grad=True)
    log_temperature = torch.tensor(float(np.log(TEMPERATURE)), requires_grad=True)
    optimiser = torch.optim.Adam([matrix, log_temperature], lr=LEARNING_RATE)
    floor = torch.tensor(-1e9)
    for _ in range(EPOCHS):
        optimiser.zero_grad()
        moved = questions + questions @ matrix.T
        scores = torch.exp(log_temperature) * torch.einsum("bnd,bd->bn", candidates, moved)
        everything = torch.logsumexp(torch.where(present_t, scores, floor), dim=1)
        right = torch.logsumexp(torch.where(answering_t, scores, floor), dim=1)
        loss = (everything - right).mean() + PENALTY * (matrix**2).sum()
        loss.backward()
        optimiser.step()
    return QuestionAdapter(matrix.detach().numpy().astype(np.float32))
