"""English function words (and the corpus's own furniture) that carry no fact.

The citation checks and the answer finder both skip them when comparing a sentence with
a passage or a question; each adds the few words its own comparison must also ignore.
"""

FUNCTION_WORDS = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been being has have had do does did
    it its this that these those as which who whom whose what when where why how than then there their they them he she
    his her we our you your i not no also into over under about after before during between both each other such
    will would can could may might shall should must very more most so only just up out all any some
    according newsletter newsletters issue""".split()
)
