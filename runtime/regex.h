/* stap5 runtime: the record of the last `=~` match.
 *
 * Written by the translator's recording matchers (templates/regex.j2), for
 * scripts that ask for groups (matched(), matched_str(), ngroups() of tapset
 * regex.stp, which read it from CONTEXT->regex_match). Needs MAXSTRINGLEN
 * and string_t. STP_REGEX_MAX_GROUPS is the regex compiler's MAX_GROUPS
 * (stap5/regex/captures.py): a matcher asserts its groups fit.
 */
#ifndef STP_REGEX_H
#define STP_REGEX_H

#define STP_REGEX_MAX_GROUPS 32

struct stp_regex_match {
	int result;		/* the last =~ matched */
	int ngroups;		/* groups of its pattern, group 0 (the whole match) included */
	/* group g is subject[offsets[2g] .. offsets[2g + 1]), -1 when it took no part */
	int offsets[2 * STP_REGEX_MAX_GROUPS];
	string_t subject;	/* a copy of its subject */
	uint16_t scratch[MAXSTRINGLEN + 2];	/* the matcher's working memory */
};

#endif /* STP_REGEX_H */
