"""Fit the question adapters (`rag/answer/adapter.py`) on labelled questions.

A group is one question's candidates: for the sentence adapter, its candidate sentences;
for the span adapter, the spans of one of its answering sentences. For each group with both
answering and other candidates, the loss is the softmax cross-entropy of its answering
candidates among all, scored by the dot product of each candidate's unit vector with q + W q
(times a learned temperature; the length of q + W q is the same for all of one group's
candidates); an L2 penalty keeps W small, so the adapter bends the embedding model's space
rather than replacing it. Full-batch Adam over a padded tensor: about ten seconds on two
cores for a thousand questions. The figures that chose the penalty are in docs/decisions.md.

    adapter = fit_adapter(examples)        # the sentence adapter; examples from eval.reader_training.collect
    span_adapter = fit_adapter_on(groups)  # any groups, e.g. eval.reader_training.span_groups
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.adapter import QuestionAdapter

PENALTY = 1e-2  # weight of |W|² in the loss
EPOCHS = 300
LEARNING_RATE = 1e-2
TEMPERATURE = 20.0  # starting scale of the cosines in the softmax (learned from there)


Group = tuple[np.ndarray, np.ndarray, np.ndarray]  # question vector, candidate vectors (rows), which candidates answer


def sentence_groups(examples: Sequence) -> list[Group]:
    """Each answerable question's candidate sentences, where it tells an answering one from the others
    (a sentence holding the gold but not the evidence, label -1, counts as another)."""
    return [
        (e.question_vector, np.stack([c.vector for c in e.candidates]), e.labels == 1)
        for e in examples
        if e.question.answerable and e.question_vector is not None and len(e.candidates) and (e.labels == 1).any() and (e.labels == 0).any()
    ]


def fit_adapter(examples: Sequence) -> QuestionAdapter:
    """The sentence adapter fitted on `examples`; the identity where none of them can teach it anything."""
    return fit_adapter_on(sentence_groups(examples))


def fit_adapter_on(groups: Sequence[Group]) -> QuestionAdapter:
    """W fitted so each group's answering candidates are the most similar to its moved question."""
    import torch

    groups = [g for g in groups if len(g[1]) and g[2].any() and not g[2].all()]
    if not groups:
        return QuestionAdapter()
    width = max(len(g[1]) for g in groups)
    size = len(groups[0][0])
    vectors = np.zeros((len(groups), width, size), np.float32)
    present = np.zeros((len(groups), width), bool)
    answering = np.zeros((len(groups), width), bool)
    for i, (_question, candidates, right) in enumerate(groups):
        vectors[i, : len(candidates)] = candidates
        present[i, : len(candidates)] = True
        answering[i, : len(candidates)] = right
    questions = torch.tensor(np.stack([g[0] for g in groups]).astype(np.float32))
    candidates_t, present_t, answering_t = torch.tensor(vectors), torch.tensor(present), torch.tensor(answering)
    matrix = torch.zeros(size, size, requires_grad=True)
    log_temperature = torch.tensor(float(np.log(TEMPERATURE)), requires_grad=True)
    optimiser = torch.optim.Adam([matrix, log_temperature], lr=LEARNING_RATE)
    floor = torch.tensor(-1e9)
    for _ in range(EPOCHS):
        optimiser.zero_grad()
        moved = questions + questions @ matrix.T
        scores = torch.exp(log_temperature) * torch.einsum("bnd,bd->bn", candidates_t, moved)
        everything = torch.logsumexp(torch.where(present_t, scores, floor), dim=1)
        right = torch.logsumexp(torch.where(answering_t, scores, floor), dim=1)
        loss = (everything - right).mean() + PENALTY * (matrix**2).sum()
        loss.backward()
        optimiser.step()
    return QuestionAdapter(matrix.detach().numpy().astype(np.float32))
